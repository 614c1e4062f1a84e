# A ReLU RNN over 4 steps of a single unbatched sequence: its states are never negative.
torch::manual_seed 3
set rnn [torch::rnn_relu 3 6 2]
set seq [torch::randn -shape {4 3}]
set out [lindex [torch::layer_forward $rnn $seq] 0]
puts "shape [torch::tensor_shape $out], smallest value [torch::tensor_item [torch::tensor_min $out]]"
