# Snap activations to a 4-bit grid (codes 0..15, step 0.2) while staying float: 3.9 is clipped to 3.0.
set x [torch::tensor_create {0.13 0.77 1.5 3.9}]
set y [torch::fake_quantize_per_tensor $x 0.2 0 0 15]
puts "[torch::tensor_print $y] [torch::tensor_dtype $y]"
