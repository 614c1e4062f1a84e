# Weight normalisation of a tensor: each row (dim 0 kept) divided by its length.
set w [torch::tensor_create {{3.0 4.0} {0.0 2.0}}]
puts [lmap row [torch::tensor_to_list [torch::weight_norm $w 0]] {lmap v $row {format %.2f $v}}]
# Of a layer: its weight becomes a learnt length times a learnt direction (two parameters).
set layer [torch::linear 3 2 false]
torch::weightNorm -input $layer
puts "parameters of the wrapped layer: [llength [torch::layer_parameters $layer]]"
