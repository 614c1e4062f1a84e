# Dropout zeroes about 30% of the values during training and scales the rest by 1/0.7; in
# evaluation mode it lets everything through unchanged.
torch::manual_seed 3
set drop [torch::dropout -p 0.3]
set x [torch::ones {1000}]
set y [torch::layer_forward $drop $x]
puts "kept in training: [torch::tensor_item [torch::tensor_sum [torch::ne $y 0.0]]] of 1000"
torch::model_eval $drop
puts "sum in eval: [torch::tensor_item [torch::tensor_sum [torch::layer_forward $drop $x]]]"
