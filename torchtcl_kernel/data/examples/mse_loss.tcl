# Mean squared error, and its per-element and summed forms.
set pred [torch::tensor_create {1.0 2.0 3.0}]
set target [torch::tensor_create {1.0 2.5 5.0}]
puts "mean: [torch::tensor_item [torch::mse_loss $pred $target]]"
puts "sum:  [torch::tensor_item [torch::mse_loss $pred $target sum]]"
puts [torch::tensor_print [torch::mse_loss $pred $target -reduction none]]
