# Self-attention of 3 tokens (batch 1) with 2 heads of 2 features each, no learned projections.
set x [torch::tensor_create {{{1 0 0 1}} {{0 1 1 0}} {{1 1 0 0}}}]
set y [torch::multihead_attention $x $x $x 4 2]
puts "shape [torch::tensor_shape $y]"
puts [torch::tensor_print $y]
