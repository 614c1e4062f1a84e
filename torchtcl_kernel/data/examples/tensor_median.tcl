# Medians: of every element, then of each column.
set m [torch::tensor_create {{3 7 1} {9 5 8} {2 6 4}}]
puts [torch::tensor_item [torch::tensor_median $m]]
puts [torch::tensor_print [torch::tensorMedian -input $m -dim 0]]
