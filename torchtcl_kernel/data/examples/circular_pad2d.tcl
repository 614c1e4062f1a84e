# A tile padded as if the plane repeated it in every direction.
set tile [torch::tensor_reshape [torch::tensor_create {1.0 2.0 3.0 4.0}] {1 2 2}]
puts [torch::tensor_print [torch::circular_pad2d -input $tile -padding {1 1 1 0}]]
