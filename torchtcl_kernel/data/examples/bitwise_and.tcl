# Keep the low nibble of each byte by masking with 15 (binary 1111).
set bytes [torch::tensor_create {171 60 255 16} uint8]
puts [torch::tensor_print [torch::bitwise_and $bytes 15]]
# Which of the flags 2 and 4 each value has set.
set flags [torch::tensor_create {6 5 3} int32]
set wanted [torch::tensor_create {2 4 4} int32]
puts [torch::tensor_print [torch::bitwiseAnd -input $flags -other $wanted]]
