# A 2 x 3 grid for a transform that halves x: its (x, y) points span [-0.5, 0.5] across, [-1, 1] down.
set theta [torch::tensor_create {{{0.5 0.0 0.0} {0.0 1.0 0.0}}} float32]
set grid [torch::affine_grid $theta {1 1 2 3} 1]
puts "shape [torch::tensor_shape $grid]"
puts [torch::tensor_print $grid]
