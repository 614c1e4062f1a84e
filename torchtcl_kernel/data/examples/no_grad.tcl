# With recording off, results of operations on w do not track gradients.
set w [torch::ones {2} -requiresGrad true]
torch::no_grad
set y [torch::tensor_mul $w 2]
puts "under no_grad: [torch::tensor_requires_grad $y]"
torch::enable_grad
puts "after enable_grad: [torch::tensor_requires_grad [torch::tensor_mul $w 2]]"
