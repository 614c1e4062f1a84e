# A moving sum over a short signal: one channel, a kernel of three ones, padding keeps the length.
set signal [torch::tensor_create {{{1.0 2.0 3.0 4.0 5.0}}}]
set kernel [torch::ones {1 1 3}]
puts [torch::tensor_print [torch::conv1d $signal $kernel none 1 1]]
# With channel counts instead of tensors it makes a Conv1d layer.
torch::manual_seed 0
set layer [torch::conv1d -inChannels 1 -outChannels 4 -kernelSize 3]
puts "layer output: [torch::tensor_shape [torch::layer_forward $layer $signal]]"
