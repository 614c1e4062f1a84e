# Passing marks: at least 50, compared against a number and against a per-exam bar.
set marks [torch::tensor_create {48 50 73 61} int32]
puts [torch::tensor_print [torch::ge $marks 50]]
set bars [torch::tensor_create {40 55 70 65} int32]
puts [torch::tensor_print [torch::ge -tensor1 $marks -tensor2 $bars]]
