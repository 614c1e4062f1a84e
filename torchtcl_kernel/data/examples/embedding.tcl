# Token ids of two 3-word sentences looked up in a fresh 10-word table of 4-dimensional
# vectors; id 0 is padding and maps to zeros.
torch::manual_seed 5
set ids [torch::tensor_create {{4 7 0} {1 0 0}} int64]
set vectors [torch::embedding $ids 10 4 0]
puts "shape: [torch::tensor_shape $vectors]"
puts "padding vector: [lindex [torch::tensor_to_list $vectors] 0 2]"
