# f(a, b) = a^2 b + b^3, given as a proc on a 2-element tensor p = {a b}.
proc f {p} {
    set a [torch::tensor_slice $p 0 0 1]
    set b [torch::tensor_slice $p 0 1 2]
    torch::tensor_sum [torch::tensor_add [torch::tensor_mul [torch::tensor_mul $a $a] $b] \
                           [torch::tensor_mul $b [torch::tensor_mul $b $b]]]
}
# At (1, 2): {{2b 2a} {2a 6b}} = {{4 2} {2 12}}
puts [torch::tensor_print [torch::hessian f [torch::tensor_create {1.0 2.0}]]]
