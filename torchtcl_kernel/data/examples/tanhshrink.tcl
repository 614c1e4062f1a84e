# x - tanh(x): near zero close to the origin, nearly x far from it.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::tanhshrink $x]]
