# The live parameter tensors of a model: what an optimizer updates.
set model [torch::sequential [list [torch::linear 2 4] [torch::linear 4 1]]]
set params [torch::layer_parameters $model]
set total 0
foreach p $params { incr total [torch::tensor_numel $p] }
puts "[llength $params] tensors, $total numbers in all"
