# RMSprop on sum(w^2), starting from 2: steps of about lr / sqrt(1 - alpha) at first.
set w [torch::full {2} 2.0 -requiresGrad true]
set opt [torch::optimizer_rmsprop [list $w] 0.05]
for {set i 1} {$i <= 100} {incr i} {
    torch::optimizer_zero_grad $opt
    torch::tensor_backward [torch::tensor_sum [torch::tensor_mul $w $w]]
    torch::optimizer_step $opt
    if {$i in {1 10 100}} {
        puts "after $i steps: w = [format %.4f [torch::tensor_item [torch::tensor_mean $w]]]"
    }
}
