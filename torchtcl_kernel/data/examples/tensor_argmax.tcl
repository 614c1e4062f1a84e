# Which class wins for each sample (rows of scores), and the flat index of the overall maximum.
set scores [torch::tensor_create {{0.1 0.7 0.2} {0.6 0.3 0.1}}]
puts [torch::tensor_print [torch::tensor_argmax $scores 1]]
puts [torch::tensor_item [torch::tensorArgmax -input $scores]]
