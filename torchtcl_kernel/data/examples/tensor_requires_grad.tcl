# Leaves ask for gradients explicitly; results of operations on them inherit it.
set a [torch::ones {2}]
set w [torch::ones {2} -requiresGrad true]
puts "a: [torch::tensor_requires_grad $a], w: [torch::tensor_requires_grad $w]"
puts "a * w: [torch::tensor_requires_grad [torch::tensor_mul $a $w]]"
