# d/dw of sum(w^3) is 3w^2: once over a graph already built, once from a lambda (torch.func).
set w [torch::tensor_create {0.5 1.0 2.0} -requiresGrad true]
set cube [torch::tensor_sum [torch::tensor_mul $w [torch::tensor_mul $w $w]]]
puts [torch::tensor_print [torch::grad $cube $w]]
set f {{w} {torch::tensor_sum [torch::tensor_mul $w [torch::tensor_mul $w $w]]}}
puts [torch::tensor_print [torch::grad -func $f -inputs $w]]
