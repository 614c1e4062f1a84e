# Evaluate without building a graph, then turn recording back on.
set w [torch::ones {3} -requiresGrad true]
torch::set_grad_enabled 0
puts "tracked while off: [torch::tensor_requires_grad [torch::tensor_mul $w $w]]"
torch::set_grad_enabled -enabled 1
puts "tracked while on: [torch::tensor_requires_grad [torch::tensor_mul $w $w]]"
