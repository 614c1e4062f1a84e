# A sequence read backwards, and a small image mirrored left to right.
set seq [torch::tensor_create {1 2 3 4 5} int32]
puts [torch::tensor_print [torch::flip $seq {0}]]
set img [torch::tensor_create {{1 2 3} {4 5 6}}]
puts [torch::tensor_print [torch::flip -input $img -dims {1}]]
