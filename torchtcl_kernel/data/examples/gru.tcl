# A two-layer GRU reads 6 time steps of 3 sensor readings for a batch of 2 series.
torch::manual_seed 42
set gru [torch::gru -inputSize 3 -hiddenSize 5 -numLayers 2]
set series [torch::randn -shape {6 2 3}]
lassign [torch::layer_forward $gru $series] out last
puts "outputs [torch::tensor_shape $out], final hidden states [torch::tensor_shape $last]"
