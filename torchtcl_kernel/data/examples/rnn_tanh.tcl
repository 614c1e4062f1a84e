# A plain tanh RNN: every hidden value stays inside (-1, 1).
torch::manual_seed 1
set rnn [torch::rnn_tanh -inputSize 2 -hiddenSize 4]
set walk [torch::tensor_mul [torch::randn -shape {12 1 2}] 5.0]
set out [lindex [torch::layer_forward $rnn $walk] 0]
puts "largest |h|: [torch::tensor_item [torch::tensor_max [torch::tensor_abs $out]]]"
