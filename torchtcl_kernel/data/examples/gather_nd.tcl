# Look up scores by player id (an id may repeat; -1 is the last player)
set scores [torch::tensor_create {71.5 88.0 64.25 93.0 79.5} float32]
set ids [torch::tensor_create {3 0 -1 3} int64]
puts "picked: [torch::tensor_print [torch::gather_nd $scores $ids]]"
# With a matrix, each index picks a whole row
set table [torch::tensor_create {{1 2} {3 4} {5 6}} float32]
set rows [torch::gatherNd -input $table -indices [torch::tensor_create {{2 0} {1 1}} int64]]
puts "rows of shape [torch::tensor_shape $rows]: [torch::tensor_print $rows]"
