# Standard normal samples; -requiresGrad makes a leaf that gradients flow into.
torch::manual_seed 0
set w [torch::randn {3 2} -requiresGrad true]
puts "shape [torch::tensor_shape $w], requires grad: [torch::tensor_requires_grad $w]"
set mean [torch::tensor_item [torch::tensor_mean [torch::randn {10000}]]]
puts "mean of 10000 samples is near 0: [expr {abs($mean) < 0.05}]"
