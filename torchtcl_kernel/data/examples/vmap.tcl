# A per-row function (the dot product of a row with itself) mapped over a 3x2 batch.
set rows [torch::tensor_create {{1.0 2.0} {3.0 4.0} {0.5 0.5}}]
puts [torch::tensor_print [torch::vmap {{r} {torch::dot $r $r}} $rows]]
