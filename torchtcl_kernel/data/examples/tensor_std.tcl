# Standard deviation of all elements, and per column without Bessel's correction.
set x [torch::tensor_create {{2 4} {4 8} {6 12}}]
puts [torch::tensor_item [torch::tensor_std $x]]
puts [torch::tensor_print [torch::tensorStd -input $x -dim 0 -unbiased false]]
