# Toggle bits, and undo the toggle by applying the same key again.
set data [torch::tensor_create {10 20 30} int64]
set key [torch::tensor_create {7 7 7} int64]
set scrambled [torch::bitwise_xor $data $key]
puts [torch::tensor_print $scrambled]
puts [torch::tensor_print [torch::bitwiseXor -input $scrambled -other $key]]
