# Which packages fit under the weight limit (the limit itself still fits).
set weights [torch::tensor_create {4.0 7.5 10.0 12.5}]
set fits [torch::le -input1 $weights -input2 10.0]
puts [torch::tensor_print $fits]
puts "dtype: [torch::tensor_dtype $fits]"
