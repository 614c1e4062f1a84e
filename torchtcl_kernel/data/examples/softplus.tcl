# Softplus is a smooth ReLU; a larger beta bends it more sharply.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::softplus $x]]
puts [torch::tensor_print [torch::softplus -input $x -beta 4.0]]
