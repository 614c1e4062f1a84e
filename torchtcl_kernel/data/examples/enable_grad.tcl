# Switch gradient recording back on after torch::no_grad.
set w [torch::ones {3} -requiresGrad true]
torch::no_grad
set frozen [torch::tensor_sum $w]
puts [torch::enable_grad]
set live [torch::tensor_sum $w]
puts "recorded: before [torch::tensor_requires_grad $frozen], after [torch::tensor_requires_grad $live]"
