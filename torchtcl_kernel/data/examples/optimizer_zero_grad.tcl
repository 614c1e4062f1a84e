# Gradients add up across backward passes until they are cleared.
set w [torch::ones {2} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
torch::tensor_backward [torch::tensor_sum $w]
torch::tensor_backward [torch::tensor_sum $w]
puts "after two backward passes: [torch::tensor_print [torch::tensor_grad $w]]"
torch::optimizer_zero_grad $opt -setToNone false
puts "after zero_grad:           [torch::tensor_print [torch::tensor_grad $w]]"
torch::optimizer_zero_grad $opt
puts "with the default (set to none): [catch {torch::tensor_grad $w} msg] $msg"
