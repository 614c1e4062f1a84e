# A 2-layer decoder; the output keeps the target's shape whatever the memory's length.
torch::manual_seed 0
set tgt [torch::randn -shape {4 2 8}]
set memory [torch::randn -shape {9 2 8}]
set out [torch::transformer_decoder -tgt $tgt -memory $memory -dModel 8 -nhead 2 -numLayers 2 -dimFeedforward 16 -dropout 0.0]
puts "target [torch::tensor_shape $tgt] -> output [torch::tensor_shape $out]"
