# Rprop uses only the sign of the gradient, growing or shrinking each step size.
set w [torch::tensor_create {10.0 -0.5} -requiresGrad true]
set opt [torch::optimizer_rprop [list $w] 0.1]
for {set i 0} {$i < 40} {incr i} {
    torch::optimizer_zero_grad $opt
    torch::tensor_backward [torch::tensor_sum [torch::tensor_mul $w $w]]
    torch::optimizer_step $opt
}
puts "w after 40 steps: [torch::tensor_print $w]"
