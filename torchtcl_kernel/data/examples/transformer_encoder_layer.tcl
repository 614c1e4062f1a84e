# One encoder layer over 5 tokens of 8 features; its final layer norm centres every token on 0.
torch::manual_seed 0
set tokens [torch::randn -shape {5 8}]
set out [torch::transformer_encoder_layer $tokens 8 2 16 0.0]
set worst [torch::tensor_item [torch::tensor_max [torch::tensor_abs [torch::mean_dim $out 1]]]]
puts "shape [torch::tensor_shape $out]; every token's mean is 0: [expr {$worst < 1e-5}]"
