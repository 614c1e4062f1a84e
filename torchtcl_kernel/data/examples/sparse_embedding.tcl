# Word ids looked up in a fresh 6x4 table (seeded, so repeatable); id 0 is padding, all zeros.
torch::manual_seed 42
set sentence [torch::tensor_create {{3 1 0} {5 0 0}} int64]
set vectors [torch::sparse_embedding $sentence 6 4 0]
puts "shape [torch::tensor_shape $vectors]"
puts [torch::tensor_print $vectors]
