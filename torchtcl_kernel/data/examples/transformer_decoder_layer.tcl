# A decoder layer: 3 target tokens attend to each other and to 7 encoded source tokens.
torch::manual_seed 0
set tgt [torch::randn -shape {3 8}]
set memory [torch::randn -shape {7 8}]
set out [torch::transformer_decoder_layer $tgt $memory 8 2 16 0.0]
puts "decoded: [torch::tensor_shape $out]"
