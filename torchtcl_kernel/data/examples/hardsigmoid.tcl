# A piecewise-linear sigmoid: 0 below -3, 1 above 3, a straight line between.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::hardsigmoid $x]]
