# The gradient a backward pass left on a leaf tensor: d(3w + 1)/dw = 3.
set w [torch::full {2} 0.5 -requiresGrad true]
set y [torch::tensor_sum [torch::tensor_add [torch::tensor_mul $w 3] 1]]
torch::tensor_backward $y
puts [torch::tensor_print [torch::tensor_grad $w]]
