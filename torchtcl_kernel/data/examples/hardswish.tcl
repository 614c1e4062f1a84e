# x times hardsigmoid(x): zero far left, identity far right.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::hardSwish -input $x]]
puts [torch::tensor_print [torch::hardswish $x]]
