# Waiting times between events arriving at 4 per second: their mean is near 1/4 s.
torch::manual_seed 3
set waits [torch::exponential {2000} 4.0]
puts "mean wait: [format %.3f [torch::tensor_item [torch::tensor_mean $waits]]] s"
puts "dtype: [torch::tensor_dtype [torch::exponential -size {2} -rate 1.0 -dtype float64]]"
