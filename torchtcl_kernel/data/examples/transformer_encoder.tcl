# A 3-layer encoder over a batch of 2 sequences of 6 tokens (seq, batch, features).
torch::manual_seed 0
set src [torch::randn -shape {6 2 8}]
set out [torch::transformer_encoder -src $src -dModel 8 -nhead 4 -numLayers 3 -dimFeedforward 32 -dropout 0.0]
puts "encoded: [torch::tensor_shape $out]"
