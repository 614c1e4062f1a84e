# One update from the current gradients: w - lr * grad.
set w [torch::tensor_create {1.0 2.0} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.25]
torch::tensor_backward [torch::tensor_sum [torch::tensor_mul $w $w]]
puts "gradient: [torch::tensor_print [torch::tensor_grad $w]]"
puts [torch::optimizer_step $opt]
puts "w: [torch::tensor_print $w]"
