# The x and y coordinates of a 3 x 2 grid of points, e.g. to evaluate x*y on it.
set xs [torch::tensor_create {0.0 1.0 2.0}]
set ys [torch::tensor_create {10.0 20.0}]
lassign [torch::meshgrid $xs $ys] gx gy
puts [torch::tensor_print [torch::tensor_mul $gx $gy]]
