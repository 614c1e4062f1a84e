# A 2 x 6 table split into three 2 x 2 blocks of columns, then at column 4 only.
set table [torch::tensor_reshape [torch::arange 12] {2 6}]
foreach part [torch::hsplit $table 3] { puts [torch::tensor_print $part] }
puts "at column 4: [llength [torch::hSplit -tensor $table -indices {4}]] parts"
