# Three shopping baskets of item ids, each summarised by the average of its items' vectors.
set items [torch::tensor_create {{1.0 0.0} {0.0 1.0} {2.0 2.0} {4.0 0.0}}]
set ids [torch::tensor_create {0 1 2 3 3 1} int64]
set starts [torch::tensor_create {0 2 3} int64]
set baskets [torch::embedding_bag $ids $items $starts 1]
puts [lmap row [torch::tensor_to_list $baskets] {lmap v $row {format %.2f $v}}]
