# A 2-layer classifier: 20*16+16 and 16*3+3 trainable values.
set model [torch::sequential [list [torch::linear 20 16] [torch::linear 16 3]]]
puts "trainable parameters: [torch::count_parameters -model $model]"
