# Adagrad: per-element step sizes that shrink as squared gradients add up.
set w [torch::tensor_create {4.0 -4.0} -requiresGrad true]
set opt [torch::optimizer_adagrad [list $w] 1.0]
for {set i 0} {$i < 50} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::tensor_sum [torch::tensor_mul $w $w]]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "w after 50 steps: [torch::tensor_print $w]"
