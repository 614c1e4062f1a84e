# A header row put on top of a 2 x 3 body.
set header [torch::tensor_create {0 0 0}]
set body [torch::tensor_create {{1 2 3} {4 5 6}}]
puts [torch::tensor_print [torch::vstack $header $body]]
