# Pick single cells of a 3x4 grid: one index tensor for the rows, one for the columns
set grid [torch::tensor_reshape [torch::arange 12] {3 4}]
set rows [torch::tensor_create {0 2 2} int64]
set cols [torch::tensor_create {3 0 -1} int64]
puts "cells: [torch::tensor_print [torch::tensor_advanced_index $grid [list $rows $cols]]]"
# A single index tensor picks whole rows
set picked [torch::tensorAdvancedIndex -tensor $grid -indices [list $rows]]
puts "rows: [torch::tensor_shape $picked]"
