# Daily rows appended under one another into a small log.
set monday [torch::tensor_create {3.0 1.0 4.0}]
set tuesday [torch::tensor_create {1.0 5.0 9.0}]
puts [torch::tensor_print [torch::row_stack [list $monday $tuesday]]]
