# Two measurement tables side by side: the columns of the second follow those of the first.
set morning [torch::tensor_create {{1 2} {3 4}}]
set evening [torch::tensor_create -data {5 6} -shape {2 1}]
puts [torch::tensor_print [torch::hstack $morning $evening]]
