# Orders of magnitude of a few quantities.
set x [torch::tensor_create {0.001 1.0 250.0 1e6}]
puts [torch::tensor_print [torch::log10 $x]]
