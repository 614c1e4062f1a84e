# A batch-first bidirectional LSTM: each step's output joins both directions' 4 features.
torch::manual_seed 7
set lstm [torch::lstm 8 4 1 true true 0.0 true]
set tokens [torch::randn -shape {3 10 8}]
lassign [torch::layer_forward $lstm $tokens] out state
lassign $state h c
puts "output [torch::tensor_shape $out]; h [torch::tensor_shape $h]; c [torch::tensor_shape $c]"
